import { loadConfig } from '../config';
import { issueApiKey, listApiKeys, revokeApiKey } from '../db/api-keys';
import { createDb } from '../db/connection';
import { createOrganization, findOrganization, listOrganizations } from '../db/organizations';

const USAGE = `usage (npm run admin -- <command>, or node dist/scripts/admin.js <command> in the image):
  create-organization <name>                   a new organization; prints its id
  list-organizations
  create-key <organization id or name> [<key name>]
                                               a new API key, printed only this once (stored hashed)
  list-keys <organization id or name>          name, prefix, created, last used, revoked
  revoke-key <organization id or name> <key id>
                                               refused from the next request on
Every command prints JSON. It needs DATABASE_URL.`;

class UsageError extends Error {}

/** The operator's way in: organizations and their API keys, straight in PostgreSQL. */
async function main(args: string[]) {
  const [command, ...rest] = args;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return;
  }
  const config = loadConfig();
  if (!config.databaseUrl) throw new UsageError('DATABASE_URL is required');
  const db = createDb(config.databaseUrl, 1);
  const organizationOf = async (idOrName: string | undefined) => {
    if (!idOrName) throw new UsageError(`${command} needs an organization id or name`);
    const organization = await findOrganization(db, idOrName);
    if (!organization) throw new UsageError(`no organization "${idOrName}"`);
    return organization;
  };
  try {
    switch (command) {
      case 'create-organization': {
        const name = rest.join(' ').trim();
        if (!name) throw new UsageError('create-organization needs a name');
        print({ id: await createOrganization(db, name), name });
        break;
      }
      case 'list-organizations':
        print(await listOrganizations(db));
        break;
      case 'create-key': {
        const organization = await organizationOf(rest[0]);
        const { record, key } = await issueApiKey(db, organization.id, rest.slice(1).join(' ').trim() || 'admin');
        print({ ...record, key });
        break;
      }
      case 'list-keys':
        print(await listApiKeys(db, (await organizationOf(rest[0])).id, 1000));
        break;
      case 'revoke-key': {
        const organization = await organizationOf(rest[0]);
        const keyId = rest[1];
        const revoked = keyId && /^[0-9a-f-]{36}$/i.test(keyId) ? await revokeApiKey(db, organization.id, keyId) : undefined;
        if (!revoked) throw new UsageError(`no key "${keyId ?? ''}" in organization "${organization.name}"`);
        print(revoked);
        break;
      }
      default:
        throw new UsageError(`unknown command "${command}"\n${USAGE}`);
    }
  } finally {
    await db.destroy();
  }
}

function print(value: unknown) {
  console.log(JSON.stringify(value, null, 2));
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error instanceof UsageError || error?.name === 'ConfigError' ? error.message : error);
  process.exit(error instanceof UsageError ? 2 : 1);
});
