import type { AdminEvent, AdminProvider, BudgetsReport } from '@ccb/admin-api';
import './style.css';
import {
  type AdminClient,
  AdminRequestError,
  createAdminClient,
  type ProviderAction,
} from './admin-client.js';
import { h, replace } from './dom.js';
import { EventLog } from './event-log.js';
import { formatClock } from './format.js';
import { keyStore } from './key-store.js';
import { ProviderHistory } from './provider-history.js';
import { providerStatus } from './reason-words.js';
import { TrafficHistory } from './traffic-history.js';
import { type CostReports, renderCost } from './views/cost-view.js';
import { renderProviders } from './views/providers-view.js';
import { createTrafficView } from './views/traffic-view.js';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const signInSection = byId<HTMLElement>('sign-in');
const signInForm = byId<HTMLFormElement>('sign-in-form');
const keyInput = byId<HTMLInputElement>('admin-key');
const signInError = byId<HTMLElement>('sign-in-error');
const app = byId<HTMLElement>('app');
const nav = byId<HTMLElement>('nav');
const signOutButton = byId<HTMLButtonElement>('sign-out');
const connection = byId<HTMLElement>('connection');
const providersHost = byId<HTMLElement>('providers');
const costHost = byId<HTMLElement>('cost');
const eventsHost = byId<HTMLOListElement>('events');
const eventKind = byId<HTMLSelectElement>('event-kind');
const eventText = byId<HTMLInputElement>('event-text');
const confirmDialog = byId<HTMLDialogElement>('confirm');
const toast = byId<HTMLElement>('toast');

/** Everything of one signed-in session; dropped on sign-out. */
interface Session {
  readonly client: AdminClient;
  readonly stop: AbortController;
  providers: AdminProvider[];
}

let session: Session | undefined;
const providerHistory = new ProviderHistory();
const trafficHistory = new TrafficHistory();
const eventLog = new EventLog();
const trafficView = createTrafficView(byId('traffic'), trafficHistory);

function say(message: string): void {
  toast.textContent = message;
  toast.classList.add('shown');
  window.setTimeout(() => toast.classList.remove('shown'), 4000);
}

/** Asks before an action that removes capacity; resolves true on confirm. */
function confirmAction(text: string, confirmLabel: string): Promise<boolean> {
  byId('confirm-text').textContent = text;
  byId('confirm-ok').textContent = confirmLabel;
  confirmDialog.showModal();
  byId<HTMLButtonElement>('confirm-cancel').focus();
  return new Promise((resolve) => {
    const done = (answer: boolean) => () => {
      confirmDialog.close();
      resolve(answer);
    };
    const ok = done(true);
    const cancel = done(false);
    byId('confirm-ok').addEventListener('click', ok, { once: true });
    byId('confirm-cancel').addEventListener('click', cancel, { once: true });
    confirmDialog.addEventListener(
      'close',
      () => {
        byId('confirm-ok').removeEventListener('click', ok);
        byId('confirm-cancel').removeEventListener('click', cancel);
        resolve(false);
      },
      { once: true },
    );
  });
}

async function onAction(provider: string, action: ProviderAction): Promise<void> {
  const current = session;
  if (current === undefined) return;
  if (action === 'disable' || action === 'drain') {
    const others = current.providers.filter(
      (candidate) => candidate.name !== provider && candidate.state === 'serving',
    ).length;
    const what =
      action === 'disable'
        ? `Disable ${provider}? It gets no new requests until enabled again.`
        : `Drain ${provider}? It gets no new requests; running ones finish.`;
    const ok = await confirmAction(
      `${what} ${others} other provider${others === 1 ? '' : 's'} would be left serving.`,
      action === 'disable' ? 'Disable' : 'Drain',
    );
    if (!ok) return;
  }
  try {
    await current.client.act(provider, action);
    say(`${provider}: ${action} done`);
  } catch (error) {
    say(`${provider}: ${action} failed: ${(error as Error).message}`);
  }
  await refreshProviders();
}

/** Re-renders the cards, keeping keyboard focus on the same button. */
function showProviders(providers: AdminProvider[]): void {
  const focused = document.activeElement as HTMLElement | null;
  const focusedAction = focused?.dataset.action;
  const focusedProvider = focused?.closest<HTMLElement>('[data-provider]')?.dataset.provider;
  renderProviders(
    providersHost,
    providers,
    providerHistory,
    (name, action) => void onAction(name, action),
    Date.now(),
  );
  if (focusedAction !== undefined && focusedProvider !== undefined) {
    const again = providersHost.querySelector<HTMLElement>(
      `[data-provider="${CSS.escape(focusedProvider)}"] [data-action="${CSS.escape(focusedAction)}"]`,
    );
    (
      again ??
      providersHost.querySelector<HTMLElement>(`[data-provider="${CSS.escape(focusedProvider)}"] button`)
    )?.focus();
  }
}

let refreshing: Promise<void> | undefined;
async function refreshProviders(): Promise<void> {
  const current = session;
  if (current === undefined) return;
  refreshing ??= (async () => {
    try {
      const providers = await current.client.providers();
      if (session !== current) return;
      current.providers = providers;
      providerHistory.add(providers);
      showProviders(providers);
      showCost(providers);
    } catch (error) {
      if (error instanceof AdminRequestError && error.status === 401) signOut('The admin key was refused.');
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

let costReports: CostReports | undefined;
let costUnavailable: string | undefined;
let budgets: BudgetsReport | undefined;
function showCost(providers: readonly AdminProvider[]): void {
  renderCost(costHost, { providers, reports: costReports, unavailable: costUnavailable, budgets });
}

async function refreshCost(): Promise<void> {
  const current = session;
  if (current === undefined) return;
  // Budgets answer without a ledger too (counted in memory): fetched on their own.
  const budgetsRead = current.client.budgets().then(
    (report) => {
      budgets = report;
    },
    () => {
      budgets = undefined;
    },
  );
  try {
    const dimensions = ['provider', 'model', 'key'] as const;
    const [day, month] = await Promise.all(
      ['24h', '30d'].map(async (since) => {
        const reports = await Promise.all(dimensions.map((by) => current.client.usage(since, by)));
        return { provider: reports[0], model: reports[1], key: reports[2] } as CostReports['day'];
      }),
    );
    costReports = { day: day as CostReports['day'], month: month as CostReports['month'] };
    costUnavailable = undefined;
  } catch (error) {
    costUnavailable = `No usage report: ${(error as Error).message}`;
  }
  await budgetsRead;
  if (session !== current) return;
  showCost(current.providers);
}

function showEvents(): void {
  const entries = eventLog.filter(eventKind.value as Parameters<EventLog['filter']>[0], eventText.value);
  const now = Date.now();
  replace(
    eventsHost,
    ...(entries.length === 0
      ? [h('li', { class: 'note' }, 'No event yet.')]
      : entries
          .slice(0, 200)
          .map((entry) =>
            h(
              'li',
              { 'data-kind': entry.kind },
              h('time', { datetime: new Date(entry.atInMs).toISOString() }, formatClock(entry.atInMs, now)),
              h('span', { class: `tag tag-${entry.kind}` }, entry.tag),
              h('span', { class: 'text' }, entry.text),
              entry.requestId === null ? null : h('code', { class: 'request-id' }, entry.requestId),
            ),
          )),
  );
}

let refreshSoon: number | undefined;
function onStreamEvent(event: AdminEvent): void {
  if (event.type === 'traffic') {
    trafficHistory.add(event);
    trafficView.update();
    return;
  }
  if (event.type === 'hello') return;
  if (eventLog.add(event) !== undefined) showEvents();
  if (event.type === 'router' || event.type === 'reload') {
    // Several changes often come together (a cool-down and a circuit change): one refresh for the burst.
    window.clearTimeout(refreshSoon);
    refreshSoon = window.setTimeout(() => void refreshProviders(), 100);
  }
}

async function follow(current: Session): Promise<void> {
  let delayInMs = 500;
  while (!current.stop.signal.aborted) {
    connection.textContent = 'connecting…';
    try {
      const stream = current.client.events((event) => {
        if (event.type === 'hello') {
          connection.textContent = 'live';
          delayInMs = 500;
        }
        onStreamEvent(event);
      }, current.stop.signal);
      await stream;
    } catch (error) {
      if (error instanceof AdminRequestError && error.status === 401) {
        signOut('The admin key was refused.');
        return;
      }
    }
    if (current.stop.signal.aborted) return;
    connection.textContent = 'reconnecting…';
    await new Promise((resolve) => window.setTimeout(resolve, delayInMs));
    delayInMs = Math.min(delayInMs * 2, 5000);
    void refreshProviders();
  }
}

function start(client: AdminClient, providers: AdminProvider[]): void {
  const current: Session = { client, stop: new AbortController(), providers };
  session = current;
  signInSection.hidden = true;
  app.hidden = false;
  nav.hidden = false;
  signOutButton.hidden = false;
  providerHistory.add(providers);
  showProviders(providers);
  costReports = undefined;
  costUnavailable = undefined;
  budgets = undefined;
  showCost(providers);
  showEvents();
  trafficView.update();
  void follow(current);
  void refreshCost();
  const timers = [
    window.setInterval(() => void refreshProviders(), 5000),
    window.setInterval(() => void refreshCost(), 60_000),
    window.setInterval(tickCountdowns, 1000),
  ];
  current.stop.signal.addEventListener('abort', () => {
    for (const timer of timers) window.clearInterval(timer);
  });
  providersHost.querySelector<HTMLElement>('button')?.focus({ preventScroll: true });
}

/** Cool-down countdowns move every second without asking ccb. */
function tickCountdowns(): void {
  const now = Date.now();
  for (const provider of session?.providers ?? []) {
    const reason = providersHost.querySelector<HTMLElement>(
      `[data-provider="${CSS.escape(provider.name)}"] [data-role="reason"]`,
    );
    const words = providerStatus(provider, now).reason;
    if (reason !== null && words !== null && reason.textContent !== words) reason.textContent = words;
  }
}

function signOut(message = ''): void {
  session?.stop.abort();
  session = undefined;
  keyStore.clear();
  app.hidden = true;
  nav.hidden = true;
  signOutButton.hidden = true;
  signInSection.hidden = false;
  connection.textContent = '';
  signInError.textContent = message;
  keyInput.value = '';
  keyInput.focus();
}

async function signIn(key: string): Promise<void> {
  const client = createAdminClient(key);
  signInError.textContent = '';
  try {
    const providers = await client.providers();
    keyStore.set(key);
    start(client, providers);
  } catch (error) {
    keyStore.clear();
    signInError.textContent =
      error instanceof AdminRequestError && error.status === 401
        ? 'That key was refused: use auth.admin_key (a client key does not open the admin API).'
        : `Could not sign in: ${(error as Error).message}`;
    keyInput.focus();
  }
}

signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn(keyInput.value);
});
signOutButton.addEventListener('click', () => signOut());
eventKind.addEventListener('change', showEvents);
eventText.addEventListener('input', showEvents);
byId('reload-config').addEventListener('click', async () => {
  const current = session;
  if (current === undefined) return;
  try {
    const result = await current.client.reload();
    say(
      result.result === 'rejected'
        ? `reload rejected: ${result.errors.join('; ')}`
        : `config ${result.result}${result.changes.length > 0 ? `: ${result.changes.join('; ')}` : ''}`,
    );
  } catch (error) {
    say(`reload failed: ${(error as Error).message}`);
  }
  await refreshProviders();
});
window.addEventListener('resize', () => trafficView.resize());

const saved = keyStore.get();
if (saved !== null) void signIn(saved);
else keyInput.focus();
