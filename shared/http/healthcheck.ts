// The container healthcheck of docker-compose.yml:
//   node dist/shared/http/healthcheck.js http://127.0.0.1:<port>/health/ready
// exits 0 when the URL answers 2xx in time, 1 otherwise. The slim image has no
// curl or wget, and a `node -e` one-liner would be repeated in every service.
const url = process.argv[2];
if (!url) {
  console.error('usage: healthcheck <url>');
  process.exit(2);
}
try {
  // Below compose's healthcheck timeout, so a hung answer is reported as ours, not killed.
  const response = await fetch(url, { signal: AbortSignal.timeout(4_000) });
  await response.body?.cancel();
  if (!response.ok) console.error(`${url} answered ${response.status}`);
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`${url}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
