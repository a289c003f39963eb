// Watches the management-cluster objects the controllers own (every namespace, by the label
// kamaji.clastix.io/name) and hands each change to a callback; the owner's key is taken from the
// object's namespace and that label. client-node's ListWatch stops on an error: it is restarted.
import { makeInformer, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { errorMessage } from './controller.ts';

const RESTART_DELAY_MS = 5_000;

export interface ManagementInformerOptions<T extends KubernetesObject> {
  managementKubeConfig: KubeConfig;
  /** Watch path, e.g. `/apis/apps/v1/deployments`. */
  path: string;
  list: (labelSelector: string) => Promise<KubernetesListObject<T>>;
  labelSelector: string;
  onChange: (object: T) => void;
  logger: Logger;
}

export class ManagementInformer<T extends KubernetesObject> {
  readonly #informer;
  readonly #logger: Logger;
  #stopped = false;

  constructor(options: ManagementInformerOptions<T>) {
    this.#logger = options.logger.child({ informer: options.path });
    this.#informer = makeInformer<T>(
      options.managementKubeConfig,
      options.path,
      () => options.list(options.labelSelector),
      options.labelSelector,
    );
    for (const verb of ['add', 'update', 'delete'] as const) this.#informer.on(verb, options.onChange);
    this.#informer.on('error', (error: unknown) => {
      if (this.#stopped) return;
      this.#logger.warn({ err: errorMessage(error) }, 'watch failed; restarting');
      setTimeout(() => void this.#start(), RESTART_DELAY_MS).unref();
    });
  }

  async start(): Promise<void> {
    await this.#start();
  }

  /** The object as last seen; undefined when not seen (yet). */
  get(namespace: string, name: string): T | undefined {
    return this.#informer.get(name, namespace);
  }

  async #start(): Promise<void> {
    if (this.#stopped) return;
    try {
      await this.#informer.start();
    } catch (error) {
      this.#logger.warn({ err: errorMessage(error) }, 'list failed; retrying');
      setTimeout(() => void this.#start(), RESTART_DELAY_MS).unref();
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#informer.stop();
  }
}
