// pay.mjs — paying an order in the tests (the payment provider arrives in the next slice; until then the row is set).
export async function payOrder(L, customer, id) {
  L.sql(`UPDATE orders SET status = 'paid', paid_at = strftime('%s','now') WHERE id = ${id} AND status = 'created'`);
}
