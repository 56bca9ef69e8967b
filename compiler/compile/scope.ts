// Selector scopes: which endpoints a rule's selector can name. A namespaced
// policy's bare selector sees its own namespace; a namespaceSelector widens it
// to matching namespaces; global policies and profiles see every namespace.
// A scope's canonical text is the identity of the nft set holding its members,
// so every rule that means the same endpoints shares one set. Who is in a
// scope is the cluster index's to say (compiler/incremental/memberships.ts).

export type Scope =
  | { readonly kind: 'any'; readonly selector: string }
  | { readonly kind: 'namespace'; readonly namespace: string; readonly selector: string }
  | { readonly kind: 'namespaces'; readonly namespaceSelector: string; readonly selector: string };

export const scopeText = (s: Scope): string =>
  s.kind === 'any' ? `any|${s.selector}` : s.kind === 'namespace' ? `ns:${s.namespace}|${s.selector}` : `nssel:${s.namespaceSelector}|${s.selector}`;

/** The scope of a rule side's selector in a policy of the given namespace (undefined: global policy or profile). */
export const ruleScope = (policyNamespace: string | undefined, selector: string | undefined, namespaceSelector: string | undefined): Scope => {
  const sel = selector ?? 'all()';
  if (namespaceSelector !== undefined) return { kind: 'namespaces', namespaceSelector, selector: sel };
  if (policyNamespace !== undefined) return { kind: 'namespace', namespace: policyNamespace, selector: sel };
  return { kind: 'any', selector: sel };
};
