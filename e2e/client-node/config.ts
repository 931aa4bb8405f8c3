import * as k8s from '@kubernetes/client-node';

/** A KubeConfig for a plain-http test apiserver; client-node refuses http without skipTLSVerify. */
export function kubeConfig(serverURL: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'lab', server: serverURL, skipTLSVerify: true }],
    users: [{ name: 'anonymous' }],
    contexts: [{ name: 'lab', cluster: 'lab', user: 'anonymous', namespace: 'default' }],
    currentContext: 'lab',
  });
  return kc;
}

/** The Status of a failed call: client-node keeps the HTTP code and the body as a string. */
export async function failure(call: Promise<unknown>): Promise<{ code: number; status: any }> {
  try {
    await call;
  } catch (err) {
    if (err instanceof k8s.ApiException) return { code: err.code, status: JSON.parse(err.body as string) };
    throw err;
  }
  throw new Error('the call succeeded');
}
