import { authenticateAdmin, createInvite, createOrg, listDevices, revokeDevice } from './admin';
import { HELP, parseArgs, type ParsedArgs } from './cli-args';
import { appPool, appUrlFor, prepareDatabase } from './database';
import { readTls, startTeamServer } from './team-server';

// `npm run team-server -- …`: serve, or administer organisations and devices.

class UsageError extends Error {}

function option(args: ParsedArgs, name: string, env?: string): string | undefined {
  const value = args.options[name];
  if (typeof value === 'string') return value;
  return env ? process.env[env] || undefined : undefined;
}

function databaseUrl(args: ParsedArgs): string {
  const url = option(args, 'database-url', 'PITWALL_DATABASE_URL');
  if (!url) throw new UsageError('Give the database with --database-url postgres://… (or PITWALL_DATABASE_URL)');
  if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError('--database-url must be a postgres:// URL');
  return url;
}

async function withAdminPool<T>(args: ParsedArgs, fn: (pool: ReturnType<typeof appPool>) => Promise<T>): Promise<T> {
  const owner = databaseUrl(args);
  const app = appUrlFor(owner, option(args, 'app-database-url', 'PITWALL_APP_DATABASE_URL'));
  await prepareDatabase(owner, app);
  const pool = appPool(app.url, { max: 2, statementTimeoutMs: 30_000, connectTimeoutMs: 10_000 });
  try {
    return await fn(pool);
  } finally {
    await pool.end();
  }
}

async function serve(args: ParsedArgs): Promise<void> {
  const portText = option(args, 'port', 'PITWALL_TEAM_PORT') ?? '8443';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`Invalid --port "${portText}": give a number from 0 to 65535`);
  const poolText = option(args, 'pool-size') ?? '10';
  const poolSize = Number(poolText);
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 1000) throw new UsageError(`Invalid --pool-size "${poolText}"`);
  const server = await startTeamServer({
    databaseUrl: databaseUrl(args),
    appDatabaseUrl: option(args, 'app-database-url', 'PITWALL_APP_DATABASE_URL'),
    port,
    host: option(args, 'host') ?? '127.0.0.1',
    tls: readTls(option(args, 'tls-cert', 'PITWALL_TLS_CERT'), option(args, 'tls-key', 'PITWALL_TLS_KEY')),
    poolSize,
  });
  console.log(`Pitwall team server listening on ${server.url}`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.dispose().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('The team server did not stop cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function adminOrg(args: ParsedArgs): Promise<{ orgId: string }> {
  const token = process.env.PITWALL_ADMIN_TOKEN;
  if (!token) throw new UsageError('Set PITWALL_ADMIN_TOKEN to the admin token `org create` printed');
  return withAdminPool(args, (pool) => authenticateAdmin(pool, token));
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  if (args.options.help) {
    process.stdout.write(HELP);
    return;
  }
  const [command, sub, ...rest] = args.positionals;
  if (!command || command === 'serve') {
    if (sub) throw new UsageError(`Unexpected argument "${sub}" (see --help)`);
    return serve(args);
  }
  if (command === 'org' && sub === 'create') {
    const name = rest.join(' ').trim();
    if (!name) throw new UsageError('Name the organisation: org create <name>');
    const org = await withAdminPool(args, (pool) => createOrg(pool, name, args.options['metadata-only'] ? 'metadata' : 'everything'));
    console.log(`Organisation "${name}" created (${org.orgId}).`);
    console.log(`Admin token (shown once; keep it secret, pass it as PITWALL_ADMIN_TOKEN):\n${org.adminToken}`);
    return;
  }
  if (command === 'device' && sub === 'invite') {
    const member = option(args, 'member');
    if (!member) throw new UsageError('Say whose device it is: device invite --member <name>');
    const hours = Number(option(args, 'expires-hours') ?? '72');
    if (!Number.isFinite(hours) || hours <= 0) throw new UsageError('--expires-hours must be a positive number');
    const { orgId } = await adminOrg(args);
    const invite = await withAdminPool(args, (pool) => createInvite(pool, orgId, member, hours));
    console.log(`Enrollment code for ${member} (works once, until ${invite.expiresAt.toISOString()}):\n${invite.code}`);
    return;
  }
  if (command === 'device' && sub === 'list') {
    const { orgId } = await adminOrg(args);
    const devices = await withAdminPool(args, (pool) => listDevices(pool, orgId));
    if (devices.length === 0) console.log('No devices yet.');
    for (const d of devices) console.log(`${d.id}  ${d.member}  ${d.name} (${d.platform})  ${d.revokedAt ? `revoked ${d.revokedAt}` : `last seen ${d.lastSeenAt ?? 'never'}`}`);
    return;
  }
  if (command === 'device' && sub === 'revoke') {
    const deviceId = rest[0];
    if (!deviceId) throw new UsageError('Name the device: device revoke <device-id>');
    const { orgId } = await adminOrg(args);
    const done = await withAdminPool(args, (pool) => revokeDevice(pool, orgId, deviceId));
    if (!done) throw new UsageError(`No device ${deviceId} in this organisation`);
    console.log(`Device ${deviceId} revoked: its pushes are refused from now on.`);
    return;
  }
  throw new UsageError(`Unknown command "${args.positionals.join(' ')}" (see --help)`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UsageError || message.startsWith('Unknown option') || message.includes('needs a value') || message.includes('takes no value')) {
    console.error(message);
    process.exit(2);
  }
  if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE') console.error('The team server could not start: the port is in use. Pick another with --port N.');
  else console.error(`The team server could not start: ${message}`);
  process.exit(1);
});
