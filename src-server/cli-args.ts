/** Options the team server's command knows, and whether each takes a value. */
const OPTIONS: Record<string, boolean> = {
  'database-url': true,
  'app-database-url': true,
  port: true,
  host: true,
  'tls-cert': true,
  'tls-key': true,
  'pool-size': true,
  member: true,
  'expires-hours': true,
  'metadata-only': false,
  help: false,
};

/** The command line, taken apart. */
export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | true>;
}

/** Parses argv; throws with the offending option named for anything unknown or missing its value. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      options.help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg.length > 1) throw new Error(`Unknown option ${arg} (see --help)`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (!(name in OPTIONS)) throw new Error(`Unknown option --${name} (see --help)`);
    if (!OPTIONS[name]) {
      if (eq !== -1) throw new Error(`--${name} takes no value`);
      options[name] = true;
      continue;
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new Error(`--${name} needs a value`);
    options[name] = value;
  }
  return { positionals, options };
}

/** The text `--help` prints. */
export const HELP = `Pitwall team server: receives what desktops push and keeps it in Postgres.

Usage
  npm run team-server -- [serve] --database-url postgres://owner@host/db [--port 8443] [--host 0.0.0.0]
                         [--tls-cert cert.pem --tls-key key.pem] [--app-database-url URL] [--pool-size N]
  npm run team-server -- org create <name> [--metadata-only]      prints the organisation's admin token
  npm run team-server -- device invite --member <name> [--expires-hours 72]
                                                                  prints a one-time enrollment code
  npm run team-server -- device list
  npm run team-server -- device revoke <device-id>                 its pushes get 401 from then on

Options
  --database-url URL      Postgres as the owner role: migrations run as it at start (or PITWALL_DATABASE_URL)
  --app-database-url URL  the role requests run as; it must not own the tables nor bypass row-level
                          security (or PITWALL_APP_DATABASE_URL; default: a managed role, pitwall_app)
  --port N                port to listen on (default 8443, or PITWALL_TEAM_PORT; 0 picks a free one)
  --host H                address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --tls-cert F, --tls-key F   serve HTTPS with this certificate and key (or PITWALL_TLS_CERT / PITWALL_TLS_KEY)
  --pool-size N           Postgres connections per server (default 10)
  --metadata-only         org create: the team keeps metadata only (no message text, tool input or output)
  --member NAME           device invite: whose device it is
  --expires-hours N       device invite: how long the code works (default 72)
  -h, --help              this text

Device commands read the admin token from PITWALL_ADMIN_TOKEN (never from the command line).
`;
