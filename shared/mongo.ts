import { MongoClient, MongoServerError, type Collection, type Db, type Document, type OptionalUnlessRequiredId } from 'mongodb';

/** One client per process; each service reaches only its own database through it. */
export async function connectMongo(url: string): Promise<MongoClient> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000, connectTimeoutMS: 5_000, maxPoolSize: 20 });
  await client.connect();
  return client;
}

export function serviceDb(client: MongoClient, service: string, prefix = ''): Db {
  return client.db(`${prefix}${service}`);
}

export async function pingMongo(db: Db): Promise<void> {
  await db.command({ ping: 1 });
}

/** E11000: a unique index refused the write, i.e. somebody else already did it. */
export function isDuplicateKeyError(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

/**
 * Inserts `doc` unless a unique index already holds its key: true when this call inserted it,
 * false when somebody else did it first (the caller decides what that means: the first one
 * stands, a conflict, or join it). Any other failure throws.
 */
export async function insertIfNew<T extends Document>(collection: Collection<T>, doc: OptionalUnlessRequiredId<T>): Promise<boolean> {
  try {
    await collection.insertOne(doc);
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}
