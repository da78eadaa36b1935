import { MongoClient, MongoServerError, type Db } from 'mongodb';

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
