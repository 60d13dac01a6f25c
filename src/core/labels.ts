// Labels Kubernetes itself sets on objects, which selectors may name.

/** Every namespace carries its own name under this label (set by the API server since Kubernetes 1.21, for namespaceSelectors). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
