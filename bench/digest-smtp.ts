/**
 * The digest bench's SMTP server, in its own process as a real relay would be: the same
 * `smtp-server` the tests use, keeping only envelopes. Started with `fork`; it sends
 * `{ port }` once listening and answers `'count'` with `{ received }` and `'stop'` by exiting.
 */
import { startSmtpServer } from '../test/support/smtp-server.ts';

const smtp = await startSmtpServer({ keepRaw: false });
process.send!({ port: smtp.port });
process.on('message', async (m) => {
  if (m === 'count') process.send!({ received: smtp.received.length });
  if (m === 'stop') {
    await smtp.stop();
    process.exit(0);
  }
});
// The parent died without saying stop: do not linger.
process.on('disconnect', () => process.exit(0));
