import { defineCommand } from 'citty';
import { adminArgs, callAdmin } from '../admin-client.js';
import { CliError } from '../cli-error.js';

interface ReloadAnswer {
  readonly result: string;
  readonly changes: readonly string[];
  readonly restart_required: readonly string[];
  readonly errors: readonly string[];
}

export const reloadCommand = defineCommand({
  meta: {
    name: 'reload',
    description:
      'Make a running ccb read its configuration again (POST /admin/reload; admin key from $CCB_ADMIN_KEY)',
  },
  args: adminArgs,
  async run({ args }) {
    const { body } = await callAdmin(args.url, 'POST', '/admin/reload', process.env);
    const answer = body as ReloadAnswer;
    if (args.json === true) process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
    if (answer.result === 'rejected') {
      throw new CliError(
        `the configuration was rejected and the running one stays: ${answer.errors.join('; ')}`,
      );
    }
    if (args.json === true) return;
    const lines =
      answer.result === 'unchanged'
        ? ['no changes']
        : [`applied:`, ...answer.changes.map((line) => `  ${line}`)];
    for (const line of answer.restart_required) lines.push(`  ${line}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  },
});
