// Ingress manifests for the rule tests.
export function ingress(
  ns: string,
  name: string,
  options: { host?: string; tls?: boolean; service?: string; className?: string } = {},
): string {
  const host = options.host === undefined ? "shop.example.com" : options.host;
  return `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ${name}, namespace: ${ns}}
spec:
  ingressClassName: ${options.className ?? "nginx"}
${options.tls && host ? `  tls: [{hosts: ["${host}"], secretName: ${name}-tls}]\n` : ""}  rules:
    - ${host ? `host: "${host}"\n      ` : ""}http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: ${options.service ?? "web"}, port: {number: 80}}`;
}
