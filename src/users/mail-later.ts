/**
 * Account mails sent after their request was answered (users/accounts.ts, account-settings.ts):
 * the answer must not wait for, or fail with, the mail. Shutdown waits for them, and so do tests
 * before they read the mail folder.
 */
const pendingMails = new Set<Promise<void>>();

/** Runs `send` on the next turn; a failure goes to `onError`, never to the answered request. */
export function sendAfterAnswer(send: () => Promise<unknown>, onError: (err: unknown) => void): void {
  const task = new Promise<void>((resolve) => setImmediate(resolve))
    .then(async () => {
      await send();
    })
    .catch(onError)
    .finally(() => pendingMails.delete(task));
  pendingMails.add(task);
}

/** Resolves once every account mail queued so far has been sent or has failed. */
export async function accountMailsSettled(): Promise<void> {
  while (pendingMails.size) await Promise.allSettled([...pendingMails]);
}
