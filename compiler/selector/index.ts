// Public API of the selector language: Calico v3 label selectors — parse,
// canonical rendering, evaluation against labels, Kubernetes LabelSelector
// translation, the io-ts codec and a caller-owned parse cache.
export type { Selector, SelectorKind, StringTestKind } from './ast';
export { all, and, global, has, inSet, normaliseSelector, not, notInSet, or, selectorLabelKeys, stringTest } from './ast';
export { MAX_SELECTOR_DEPTH, parseSelector } from './parse';
export { renderSelector } from './render';
export { matches } from './evaluate';
export type { K8sLabelSelector, K8sLabelSelectorRequirement } from './k8s';
export { fromK8sLabelSelector } from './k8s';
export type { SelectorSource } from './render';
export { canonicaliseSelector, SelectorText } from './codec';
export { SelectorCache } from './cache';
export { validateLabelKey, validateLabelValue } from './labels';
