// Maps of sets, as the indexes here keep them: a key's set goes when it empties.

export const addTo = <K, V>(m: Map<K, Set<V>>, k: K, v: V): void => {
  const s = m.get(k);
  if (s === undefined) m.set(k, new Set([v]));
  else s.add(v);
};

export const removeFrom = <K, V>(m: Map<K, Set<V>>, k: K, v: V): void => {
  const s = m.get(k);
  if (s === undefined) return;
  s.delete(v);
  if (s.size === 0) m.delete(k);
};
