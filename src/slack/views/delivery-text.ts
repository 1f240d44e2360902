// How sending reads in Slack: the reminder rules, each delivery step's figures and a pause. Shared
// by the status summary, the list and the View modal.
import type { KnownBlock } from '@slack/types';
import type { ShownDeliveryState, StepProgress } from '../../core/delivery/progress.js';
import type { Invitation, ReminderStep } from '../../db/schema.js';
import type { DeliveryFacts } from '../delivery-facts.js';
import { actorText, slackDate } from './invitation-text.js';

const n = (v: number) => v.toLocaleString('en-US');
const hours = (h: number) => `${h.toLocaleString('en-US', { maximumFractionDigits: 2 })} h`;

/** "Reminder 1: 48 h after the first message, up to 2×, ≥ 24 h apart" */
export function reminderRuleText(step: ReminderStep, index: number): string {
  return `Reminder ${index + 1}: ${hours(step.afterHours)} after the first message, up to ${step.maxCount}×, ≥ ${hours(step.minGapHours)} apart`;
}

// Always shown, so figures line up from one step to the next; the rarer states only when non-zero.
const usualStates: ShownDeliveryState[] = ['sent', 'delivered', 'failed', 'bounced', 'unconfirmed', 'queued'];
const rareStates: ShownDeliveryState[] = ['sending', 'unknown', 'cancelled'];

export function stepFiguresText(step: StepProgress): string {
  const figure = (state: ShownDeliveryState) => `${state} *${n(step.states[state])}*${state === 'failed' && step.retryable > 0 ? ` (${n(step.retryable)} retryable)` : ''}`;
  const states = [...usualStates, ...rareStates.filter((s) => step.states[s] > 0)];
  return `${n(step.total)} message${step.total === 1 ? '' : 's'}: ${states.map(figure).join(' · ')}`;
}

/**
 * One line per step: the invitation message once it has deliveries, then every reminder step
 * (its rule, and its figures once the invitation is open). "Remind now" without reminder steps
 * still sends step 1, hence steps without a rule.
 */
export function deliveryLines(inv: Invitation, steps: StepProgress[]): string[] {
  const byStep = new Map(steps.map((s) => [s.step, s]));
  const last = Math.max(inv.reminders.length, ...steps.map((s) => s.step));
  const lines: string[] = [];
  for (let k = 0; k <= last; k++) {
    const figures = byStep.get(k);
    if (k === 0 && !figures) continue;
    const rule = inv.reminders[k - 1];
    const label = k === 0 ? 'Invitation message' : rule ? reminderRuleText(rule, k - 1) : `Reminder ${k}`;
    const shown = figures ? ` — ${stepFiguresText(figures)}` : inv.openedAt !== null ? ' — none sent yet' : '';
    lines.push(`• ${label}${shown}`);
  }
  return lines;
}

export const retryableCount = (facts: DeliveryFacts) => facts.steps.reduce((sum, s) => sum + s.retryable, 0);

export function pauseText(inv: Invitation, facts: DeliveryFacts): string | undefined {
  if (inv.status !== 'open' || inv.pausedAt === null) return undefined;
  const until = 'Nothing more is sent until a manager resumes it.';
  if (inv.pauseReason === 'failure_rate') {
    const why = facts.autoPause ? `${n(facts.autoPause.failed)} failed of the last ${n(facts.autoPause.attempted)} attempts` : 'too many recent attempts failed';
    return `:warning: *Paused automatically*: ${why}. ${until}`;
  }
  return `:double_vertical_bar: *Paused* by ${inv.pausedBy ? actorText(inv.pausedBy) : 'a manager'} on ${slackDate(inv.pausedAt)}. ${until}`;
}

/** The pause notice and the "Sending" section, as the summary and the View modal show them. */
export function deliveryBlocks(inv: Invitation, facts: DeliveryFacts): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  const paused = pauseText(inv, facts);
  if (paused) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: paused } });
  const lines = deliveryLines(inv, facts.steps);
  if (lines.length > 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Sending*\n${lines.join('\n')}` } });
  return blocks;
}
