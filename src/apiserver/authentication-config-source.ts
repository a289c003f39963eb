// Keeps the delegated authentication configuration current: read from
// kube-system/extension-apiserver-authentication at start, then watched, so a rotated front-proxy or
// client CA applies without a restart. The ConfigMap is read by name only (the RBAC role grants
// just that name), and a watch that ends is re-established after a short pause.
import { CoreV1Api, Watch, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import {
  AUTHENTICATION_CONFIGMAP_NAME,
  AUTHENTICATION_CONFIGMAP_NAMESPACE,
  parseAuthenticationConfigMap,
  type AuthenticationConfig,
} from './authentication-config.ts';

export interface AuthenticationConfigSource {
  /** undefined until loaded. */
  current(): AuthenticationConfig | undefined;
  /** Called after every change (to refresh the TLS server's client CA list). */
  onChange(listener: (config: AuthenticationConfig) => void): void;
  stop(): void;
}

/** A configuration given once (local runs from files, tests). */
export function fixedAuthenticationConfig(config: AuthenticationConfig): AuthenticationConfigSource {
  return { current: () => config, onChange: () => {}, stop: () => {} };
}

const RETRY_DELAY_MS = 2_000;

export function watchAuthenticationConfigMap(kubeConfig: KubeConfig, logger: Logger): AuthenticationConfigSource {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const watcher = new Watch(kubeConfig);
  const listeners: ((config: AuthenticationConfig) => void)[] = [];
  const log = logger.child({ namespace: AUTHENTICATION_CONFIGMAP_NAMESPACE, name: AUTHENTICATION_CONFIGMAP_NAME });
  let config: AuthenticationConfig | undefined;
  let lastResourceVersion: string | undefined;
  let stopped = false;
  let abort: AbortController | undefined;
  let retry: NodeJS.Timeout | undefined;

  const apply = (data: Record<string, string> | undefined, resourceVersion: string | undefined) => {
    if (resourceVersion && resourceVersion === lastResourceVersion) return;
    try {
      const parsed = parseAuthenticationConfigMap(data ?? {});
      config = parsed;
      lastResourceVersion = resourceVersion;
      log.info(
        {
          resourceVersion,
          clientCAs: parsed.clientCertificateAuthorities.length,
          requestHeaderCAs: parsed.requestHeader?.certificateAuthorities.length ?? 0,
          allowedNames: parsed.requestHeader?.allowedNames ?? [],
        },
        'authentication configuration loaded',
      );
      for (const listener of listeners) listener(parsed);
    } catch (error) {
      // Keep serving with the previous configuration; readiness stays as it was.
      log.error({ err: error }, 'authentication configuration is invalid, keeping the previous one');
    }
  };

  const scheduleRetry = () => {
    if (stopped) return;
    clearTimeout(retry);
    retry = setTimeout(() => void sync(), RETRY_DELAY_MS);
  };

  const sync = async () => {
    if (stopped) return;
    let resourceVersion: string | undefined;
    try {
      const configMap = await core.readNamespacedConfigMap({
        name: AUTHENTICATION_CONFIGMAP_NAME,
        namespace: AUTHENTICATION_CONFIGMAP_NAMESPACE,
      });
      resourceVersion = configMap.metadata?.resourceVersion;
      apply(configMap.data, resourceVersion);
    } catch (error) {
      log.warn({ err: error }, 'cannot read the authentication configuration, retrying');
      scheduleRetry();
      return;
    }
    try {
      abort = await watcher.watch(
        `/api/v1/namespaces/${AUTHENTICATION_CONFIGMAP_NAMESPACE}/configmaps`,
        {
          fieldSelector: `metadata.name=${AUTHENTICATION_CONFIGMAP_NAME}`,
          ...(resourceVersion ? { resourceVersion } : {}),
          allowWatchBookmarks: false,
        },
        (phase, object: { data?: Record<string, string>; metadata?: { resourceVersion?: string } }) => {
          if (phase === 'ADDED' || phase === 'MODIFIED') apply(object.data, object.metadata?.resourceVersion);
        },
        () => scheduleRetry(),
      );
    } catch (error) {
      log.warn({ err: error }, 'cannot watch the authentication configuration, retrying');
      scheduleRetry();
    }
  };

  void sync();
  return {
    current: () => config,
    onChange: (listener) => listeners.push(listener),
    stop: () => {
      stopped = true;
      clearTimeout(retry);
      abort?.abort();
    },
  };
}
