// The keys of namespaced models, `namespace/name`. The fold has the event's
// key string at hand, and a model that keeps that very string, instead of
// building an equal one, leaves one string fewer per endpoint in the state
// and one fewer for the maps to hash.

/** `${namespace}/${name}`: the string `known` when it spells exactly that, else a new one. */
export const namespacedKey = (namespace: string, name: string, known?: string): string =>
  known !== undefined &&
  known.length === namespace.length + 1 + name.length &&
  known.charCodeAt(namespace.length) === 47 &&
  known.startsWith(namespace) &&
  known.endsWith(name)
    ? known
    : `${namespace}/${name}`;
