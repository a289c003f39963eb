// The HTTPS server. Client certificates are requested but not required (kubelet probes have none)
// and not verified by TLS: authentication checks each chain against the right CA itself.
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';

export interface TlsMaterial {
  /** Serving certificate chain and key, PEM. */
  cert: string;
  key: string;
  /** CAs named in the CertificateRequest: kube's client CA and front-proxy CA. */
  clientCAs: string[];
}

/** Above Go's 90 s idle-connection timeout, so the aggregator never reuses a connection Node just closed. */
export const KEEP_ALIVE_TIMEOUT_MS = 120_000;

function secureContextOptions(tls: TlsMaterial) {
  return {
    cert: tls.cert,
    key: tls.key,
    ...(tls.clientCAs.length > 0 ? { ca: tls.clientCAs } : {}),
  };
}

export function createHttpsServer(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
  tls: TlsMaterial,
): https.Server {
  const server = https.createServer(
    {
      ...secureContextOptions(tls),
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    listener,
  );
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 5_000;
  // Watches are long: only the request head has a deadline, never the response.
  server.requestTimeout = 0;
  return server;
}

/** New client CAs (the ConfigMap changed) or a renewed serving certificate, for new connections. */
export function updateTls(server: https.Server, tls: TlsMaterial): void {
  server.setSecureContext(secureContextOptions(tls));
}
