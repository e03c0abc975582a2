/** Everything the routes use, wired once in main.ts. */
import type { Logger } from 'pino';
import type { AppConfig } from './config.js';
import { tableNames } from './config.js';
import { DynamoClients } from './dynamo.js';
import { OrderService } from './order-service.js';
import { RegionRouter } from './region-router.js';
import { ReplicationMonitor } from './replication-monitor.js';
import { CartRepository } from './repositories/carts.js';
import { HeartbeatRepository } from './repositories/heartbeat.js';
import { OrderRepository } from './repositories/orders.js';
import { ProductRepository } from './repositories/products.js';
import { SessionRepository } from './repositories/sessions.js';
import { StockRepository } from './repositories/stock.js';

export interface AppDeps {
  config: AppConfig;
  logger: Logger;
  clients: DynamoClients;
  sessions: SessionRepository;
  products: ProductRepository;
  carts: CartRepository;
  stock: StockRepository;
  heartbeats: HeartbeatRepository;
  router: RegionRouter;
  orders: OrderService;
  monitor: ReplicationMonitor;
}

export function createDeps(config: AppConfig, logger: Logger): AppDeps {
  const tables = tableNames(config.tablePrefix);
  const clients = new DynamoClients(config.region);
  const doc = clients.local().doc;
  const products = new ProductRepository(doc, tables.products);
  const carts = new CartRepository(doc, tables.carts);
  const heartbeats = new HeartbeatRepository(tables.heartbeats);
  const router = new RegionRouter(clients, config.regions, logger);
  return {
    config,
    logger,
    clients,
    sessions: new SessionRepository(doc, tables.sessions, config.region, config.sessionTtlSeconds),
    products,
    carts,
    stock: new StockRepository(doc, tables.stock, config.region),
    heartbeats,
    router,
    orders: new OrderService(router, new OrderRepository(tables.orders), carts, products, config.region),
    monitor: new ReplicationMonitor(config, clients, heartbeats, logger),
  };
}
