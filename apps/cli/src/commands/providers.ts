import { defineCommand } from 'citty';
import { adminArgs, callAdmin } from '../admin-client.js';
import { formatProvidersTable, type ProvidersAnswer } from '../format-providers-table.js';

const listCommand = defineCommand({
  meta: { name: 'list', description: 'List the providers of a running ccb with their state and health' },
  args: adminArgs,
  async run({ args }) {
    const { body } = await callAdmin(args.url, 'GET', '/admin/providers', process.env);
    process.stdout.write(
      args.json === true
        ? `${JSON.stringify(body, null, 2)}\n`
        : formatProvidersTable(body as ProvidersAnswer),
    );
  },
});

/** `ccb providers disable|enable|drain NAME`: one action of the admin API on one provider. */
function actionCommand(action: 'disable' | 'enable' | 'drain', description: string) {
  return defineCommand({
    meta: { name: action, description },
    args: {
      name: { type: 'positional', description: 'The provider', required: true },
      ...adminArgs,
      ...(action === 'drain'
        ? {}
        : { persist: { type: 'boolean', description: 'Also write it into the config file' } as const }),
    },
    async run({ args }) {
      const persist = (args as { persist?: boolean }).persist === true ? '?persist=true' : '';
      const path = `/admin/providers/${encodeURIComponent(args.name)}/${action}${persist}`;
      const { body } = await callAdmin(args.url, 'POST', path, process.env);
      const provider = body as { name: string; state: string; persisted?: boolean };
      process.stdout.write(
        args.json === true
          ? `${JSON.stringify(body, null, 2)}\n`
          : `${provider.name}: ${provider.state}${provider.persisted === true ? ' (written to the config file)' : ''}\n`,
      );
    },
  });
}

export const providersCommand = defineCommand({
  meta: { name: 'providers', description: 'List, disable, enable or drain the providers of a running ccb' },
  subCommands: {
    list: listCommand,
    disable: actionCommand('disable', 'Take a provider out of routing (until enabled; --persist writes it)'),
    enable: actionCommand('enable', 'Put a disabled or drained provider back (--persist writes it)'),
    drain: actionCommand('drain', 'Send a provider no new requests; its running ones finish'),
  },
});
