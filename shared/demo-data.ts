/**
 * The demo shop `npm start` seeds (SEED_DEMO=true): one catalog, its opening stock and one admin.
 * It lives in shared/ because three services seed their own slice of it (catalog, inventory, users)
 * and the README's walkthrough refers to these skus and credentials.
 */
export interface DemoProduct {
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: 'EUR';
  /** Opening stock; 0 makes the out-of-stock branch easy to try by hand. */
  stock: number;
}

export const DEMO_PRODUCTS: readonly DemoProduct[] = [
  { sku: 'TSHIRT-RED-M', name: 'Red T-shirt (M)', description: 'Organic cotton, medium', priceCents: 1999, currency: 'EUR', stock: 100 },
  { sku: 'TSHIRT-BLUE-L', name: 'Blue T-shirt (L)', description: 'Organic cotton, large', priceCents: 1999, currency: 'EUR', stock: 100 },
  { sku: 'MUG-SAGA', name: 'Saga mug', description: 'Ceramic mug, 330 ml, dishwasher safe', priceCents: 1250, currency: 'EUR', stock: 50 },
  { sku: 'HOODIE-GREY-M', name: 'Grey hoodie (M)', description: 'Warm fleece hoodie', priceCents: 4900, currency: 'EUR', stock: 25 },
  { sku: 'STICKERS-5', name: 'Sticker pack', description: 'Five vinyl stickers', priceCents: 499, currency: 'EUR', stock: 500 },
  { sku: 'BACKPACK-20L', name: 'Backpack 20 l', description: 'Water-resistant daypack', priceCents: 7900, currency: 'EUR', stock: 10 },
  // Above the default approval threshold (100000 cents): orders for it wait for an admin.
  {
    sku: 'ESPRESSO-PRO',
    name: 'Espresso machine Pro',
    description: 'Dual boiler espresso machine',
    priceCents: 149900,
    currency: 'EUR',
    stock: 3,
  },
  // Sold out on purpose: ordering it shows the OUT_OF_STOCK branch.
  { sku: 'LIMITED-POSTER', name: 'Limited poster', description: 'Signed print, sold out', priceCents: 2500, currency: 'EUR', stock: 0 },
];

export const DEMO_ADMIN = {
  email: 'admin@sagashop.dev',
  password: 'admin-password-123',
  name: 'Demo Admin',
} as const;
