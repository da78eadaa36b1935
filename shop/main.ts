// The whole shop in one Node process: every service (each with its worker, on its
// own port, task queue and database) and the gateway, sharing one V8 heap, one
// Temporal runtime and worker connection and one MongoDB client. `npm start`
// runs the local stack this way (SAGASHOP_PROCESSES=one; docs/benchmarks.md
// has the figures); compose, Kubernetes, the cluster and the chaos run keep a
// process per service (services/<name>/main.ts, gateway/main.ts), so each can
// be scaled and killed on its own.
import { z } from 'zod';
import { parseEnv, port } from '../shared/config.js';
import { SERVICE_NAMES, type ServiceName } from '../shared/domain/vocabulary.js';
import { NodeProcess } from '../shared/process.js';
import { PARTS } from './parts.js';

/** Each service's port (0: any free one); the gateway's is GATEWAY_PORT, as when it runs alone. */
const shopEnv = z.object({
  USERS_PORT: port(0),
  CATALOG_PORT: port(0),
  INVENTORY_PORT: port(0),
  CART_PORT: port(0),
  ORDERS_PORT: port(0),
  PAYMENTS_PORT: port(0),
  NOTIFICATIONS_PORT: port(0),
  SHIPPING_PORT: port(0),
});
const portVariable = (name: ServiceName) => `${name.toUpperCase() as Uppercase<ServiceName>}_PORT` as const;

const node = new NodeProcess('sagashop', { shared: true });
try {
  const ports = parseEnv(shopEnv);
  const urls: Partial<Record<ServiceName, string>> = {};
  /** A part's environment: the process's, with its own port and the URLs of the services it calls. */
  const envOf = (name: ServiceName | 'gateway'): NodeJS.ProcessEnv => ({
    ...process.env,
    ...(name === 'gateway' ? {} : { PORT: String(ports[portVariable(name)]) }),
    ...Object.fromEntries(Object.entries(urls).map(([service, url]) => [`${service.toUpperCase()}_URL`, url])),
  });
  const startService = async (name: ServiceName) => {
    urls[name] = await PARTS[name](node, envOf(name));
  };
  // The cart validates against the catalog, so it learns the catalog's URL; the gateway learns every one.
  await Promise.all(SERVICE_NAMES.filter((name) => name !== 'cart').map(startService));
  await startService('cart');
  const gateway = await PARTS.gateway(node, envOf('gateway'));
  // The launcher waits for this line: every part listens.
  node.logger.info({ url: gateway, services: urls }, 'ready');
} catch (error) {
  await node.fail(error);
}
