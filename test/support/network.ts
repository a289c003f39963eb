// Where throwaway servers listen.
import { createServer } from 'node:net';
import { HOST_IP, hostInterfaceUp } from '../e2e/support/cluster.ts';

export const LOOPBACK = '127.0.0.1';

/**
 * The address datastores listen on by default: the host end of the local cluster's veth when its
 * network is up (hack/cluster-up.sh), so pods reach them too; otherwise loopback.
 */
export function datastoreHost(): string {
  return hostInterfaceUp() ? HOST_IP : LOOPBACK;
}

/** A port nothing listens on right now at `host`. */
export async function freePort(host = datastoreHost()): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}
