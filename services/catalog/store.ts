// Products (Mongo, _id = sku) with a Redis cache-aside for single-product reads:
// read the cache, fall back to Mongo and fill it; every write deletes the key
// after the database write. Price snapshots per order make pricing idempotent.
import type { Collection, Db } from 'mongodb';
import { DomainError } from '../../shared/domain/errors.js';
import { MAX_AMOUNT_CENTS } from '../../shared/domain/money.js';
import type { OrderLine, PriceSnapshot } from '../../shared/domain/order.js';
import type { Logger } from '../../shared/logger.js';
import { insertIfNew } from '../../shared/mongo.js';
import type { Redis } from '../../shared/redis.js';

export interface Product {
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
}

interface ProductDoc extends Omit<Product, 'sku'> {
  _id: string;
  createdAt: Date;
  updatedAt: Date;
}

interface SnapshotDoc extends Omit<PriceSnapshot, 'orderId'> {
  _id: string;
  createdAt: Date;
}

const CACHE_TTL_SECONDS = 300;
const toProduct = (d: ProductDoc): Product => ({
  sku: d._id,
  name: d.name,
  description: d.description,
  priceCents: d.priceCents,
  currency: d.currency,
});
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class CatalogStore {
  readonly products: Collection<ProductDoc>;
  readonly snapshots: Collection<SnapshotDoc>;

  constructor(
    db: Db,
    private readonly redis: Redis,
    private readonly logger?: Logger,
  ) {
    this.products = db.collection<ProductDoc>('products');
    this.snapshots = db.collection<SnapshotDoc>('price_snapshots');
  }

  async ensureIndexes(): Promise<void> {
    await this.products.createIndex({ name: 1 });
  }

  private cacheKey(sku: string): string {
    return `catalog:product:${sku}`;
  }

  async get(sku: string): Promise<Product | undefined> {
    try {
      const cached = await this.redis.get(this.cacheKey(sku));
      if (cached) return JSON.parse(cached) as Product;
    } catch (error) {
      this.logger?.warn({ err: error }, 'product cache unavailable; reading the database');
    }
    const doc = await this.products.findOne({ _id: sku });
    if (!doc) return undefined;
    const product = toProduct(doc);
    await this.redis
      .set(this.cacheKey(sku), JSON.stringify(product), 'EX', CACHE_TTL_SECONDS)
      .catch((error: unknown) => this.logger?.warn({ err: error, sku }, 'could not fill the product cache'));
    return product;
  }

  /** Case-insensitive search in sku, name and description, in sku order, after the cursor's sku. */
  async search(q: string | undefined, limit: number, afterSku?: string): Promise<{ items: Product[]; lastSku?: string }> {
    const filter: Record<string, unknown> = {};
    if (q?.trim()) {
      const pattern = { $regex: escapeRegex(q.trim()), $options: 'i' };
      filter.$or = [{ _id: pattern }, { name: pattern }, { description: pattern }];
    }
    if (afterSku) filter._id = { $gt: afterSku };
    const docs = await this.products
      .find(filter)
      .sort({ _id: 1 })
      .limit(limit + 1)
      .toArray();
    const items = docs.slice(0, limit).map(toProduct);
    return { items, ...(docs.length > limit ? { lastSku: items[items.length - 1]!.sku } : {}) };
  }

  /** Fails InvalidState if the sku exists. */
  async create(product: Product): Promise<Product> {
    const now = new Date();
    const { sku, ...fields } = product;
    if (!(await insertIfNew(this.products, { _id: sku, ...fields, createdAt: now, updatedAt: now })))
      throw new DomainError('InvalidState', `product ${sku} exists`);
    await this.invalidate(sku);
    return product;
  }

  async upsert(product: Product): Promise<Product> {
    const { sku, ...fields } = product;
    const now = new Date();
    await this.products.updateOne(
      { _id: sku },
      { $set: { ...fields, updatedAt: now }, $setOnInsert: { createdAt: now } },
      { upsert: true },
    );
    await this.invalidate(sku);
    return product;
  }

  /** Demo catalog (SEED_DEMO): inserts what is missing, keeps what exists. */
  async seed(products: readonly Product[]): Promise<void> {
    for (const { sku, name, description, priceCents, currency } of products) {
      const now = new Date();
      const doc = { name, description, priceCents, currency, createdAt: now, updatedAt: now };
      await this.products.updateOne({ _id: sku }, { $setOnInsert: doc }, { upsert: true });
    }
  }

  /** Today's prices for the order, kept: a repeat returns the first snapshot even if prices changed. */
  async priceOrder(orderId: string, items: OrderLine[]): Promise<PriceSnapshot> {
    const existing = await this.snapshots.findOne({ _id: orderId });
    if (existing) return this.fromSnapshot(existing);
    const docs = await this.products.find({ _id: { $in: items.map((i) => i.sku) } }).toArray();
    const bySku = new Map(docs.map((d) => [d._id, d]));
    const lines = items.map(({ sku, quantity }) => {
      const doc = bySku.get(sku);
      if (!doc) throw new DomainError('UnknownProduct', `no product ${sku}`, { sku });
      return { sku, quantity, name: doc.name, unitPriceCents: doc.priceCents };
    });
    const currencies = new Set(docs.map((d) => d.currency));
    if (currencies.size !== 1)
      throw new DomainError('MixedCurrencies', `the order mixes currencies: ${[...currencies].sort().join(', ')}`, {
        currencies: [...currencies].sort(),
      });
    const totalCents = lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
    // Only known once priced; the charge takes 1..MAX_AMOUNT_CENTS (a 0 total: products stored free before prices had to be >= 1).
    if (totalCents < 1 || totalCents > MAX_AMOUNT_CENTS)
      throw new DomainError('AmountOutOfRange', `the order's total ${totalCents} is outside 1..${MAX_AMOUNT_CENTS} cents`, {
        totalCents,
        maxCents: MAX_AMOUNT_CENTS,
      });
    const snapshot: SnapshotDoc = { _id: orderId, lines, totalCents, currency: [...currencies][0]!, createdAt: new Date() };
    if (await insertIfNew(this.snapshots, snapshot)) return this.fromSnapshot(snapshot);
    return this.fromSnapshot((await this.snapshots.findOne({ _id: orderId }))!);
  }

  private fromSnapshot(doc: SnapshotDoc): PriceSnapshot {
    return { orderId: doc._id, lines: doc.lines, totalCents: doc.totalCents, currency: doc.currency };
  }

  private async invalidate(sku: string): Promise<void> {
    await this.redis
      .del(this.cacheKey(sku))
      .catch((error: unknown) => this.logger?.warn({ err: error, sku }, 'could not invalidate the product cache'));
  }
}
