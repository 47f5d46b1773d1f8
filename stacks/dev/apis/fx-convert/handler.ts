/** Converts `amount` from one currency to another at the day's reference rate. */
interface Input {
  query: Record<string, string>;
}

const CODE = /^[A-Z]{3}$/;

export default async function convert({ query }: Input): Promise<Response | object> {
  const from = (query.from ?? "").toUpperCase();
  const to = (query.to ?? "").toUpperCase();
  const amount = Number(query.amount ?? "1");
  if (!CODE.test(from) || !CODE.test(to)) {
    return Response.json(
      { error: "from and to must be 3-letter currency codes, e.g. ?from=USD&to=EUR" },
      { status: 400 },
    );
  }
  if (!Number.isFinite(amount) || amount < 0) {
    return Response.json({ error: "amount must be a non-negative number" }, { status: 400 });
  }
  const upstream = await fetch(`https://api.frankfurter.app/latest?from=${from}&to=${to}`);
  if (!upstream.ok) {
    return Response.json(
      { error: `no rate for ${from} → ${to}` },
      { status: upstream.status === 404 ? 404 : 502 },
    );
  }
  const body = (await upstream.json()) as { date: string; rates: Record<string, number> };
  const rate = body.rates[to];
  if (rate === undefined) return Response.json({ error: `no rate for ${to}` }, { status: 404 });
  return { from, to, amount, rate, converted: Math.round(amount * rate * 100) / 100, date: body.date };
}
