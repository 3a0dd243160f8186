/**
 * `paperboy users add-admin <email>` (and `add-moderator`, `remove-role`): roles for accounts that
 * signed up on the site. Prints the result; unknown emails are a failure with a hint.
 */
import type { Config } from '../../config/config.ts';
import { NotFoundError } from '../../errors.ts';
import { AccountService } from '../../users/accounts.ts';
import { PasswordHasher } from '../../users/password.ts';
import { RateLimiter } from '../../users/rate-limit.ts';
import type { Role } from '../../users/types.ts';
import { openConfigured } from '../store.ts';
import { EXIT, UsageError } from '../usage.ts';

const ACTIONS: Record<string, Role> = {
  'add-admin': 'admin',
  'add-moderator': 'moderator',
  'remove-role': 'user',
};

export async function usersCommand(
  loaded: Config,
  args: string[],
  flags: { json: boolean },
): Promise<number> {
  const [action, email, ...rest] = args;
  const role = action ? ACTIONS[action] : undefined;
  if (!role || !email || rest.length)
    throw new UsageError('usage: paperboy users add-admin|add-moderator|remove-role <email>');
  const { store, config } = await openConfigured(loaded);
  try {
    const accounts = new AccountService({
      users: store.users,
      hasher: new PasswordHasher(),
      limiter: new RateLimiter(),
      mailer: () => {
        throw new Error('no mail from this command');
      },
      baseUrl: config.baseUrl!,
      siteName: () => config.siteName,
    });
    const user = await accounts.setRole(email, role);
    if (flags.json)
      process.stdout.write(`${JSON.stringify({ email: user.email, name: user.name, role: user.role })}\n`);
    else
      process.stdout.write(
        `${user.email} (${user.name}) is now ${user.role === 'user' ? 'a regular user' : `${user.role === 'admin' ? 'an' : 'a'} ${user.role}`}\n`,
      );
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    process.stderr.write(`paperboy: ${err.message}\n`);
    return EXIT.failure;
  } finally {
    await store.close();
  }
}
