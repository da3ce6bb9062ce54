/** Request and response shapes of the simulator's pace routes (GET / POST /v1/simulation/pace). */
import { z } from 'zod';
import { MAX_SECONDS_PER_WEEK, MIN_SECONDS_PER_WEEK } from '../../domain/simulation/pace.js';

const Action = z.enum(['paced', 'paused', 'resumed']);

export const PaceBody = z.strictObject({
  action: Action.describe('paced: set secondsPerWeek (paused stays as it is); paused: stop producing; resumed: go on'),
  secondsPerWeek: z.int().min(MIN_SECONDS_PER_WEEK).max(MAX_SECONDS_PER_WEEK).optional().describe('with action paced only: seconds one simulated week takes'),
  reason: z.string().max(500).optional().describe('why (kept with the event)'),
});

export const PaceResponse = z
  .object({
    secondsPerWeek: z.number().describe('seconds a simulated week takes: the latest pace set, else SIM_RATE over `series`'),
    eventsPerSecond: z.number().describe('sales events per second the simulator produces (0 while paused)'),
    series: z.int().describe('series a week holds, as the gateway counts them (series in the log; SIM_STORES x SIM_DEPTS before any)'),
    paused: z.boolean(),
    source: z.enum(['event', 'default']).describe('event: set on simulation.pace; default: the simulator\'s --rate / SIM_RATE'),
    defaultRate: z.number().describe('SIM_RATE, events per second, followed until a pace is set'),
    last: z
      .object({
        action: Action,
        secondsPerWeek: z.int().nullable(),
        reason: z.string(),
        changedBy: z.string(),
        changedAt: z.string().describe('ISO 8601'),
      })
      .nullable()
      .describe('the latest change on simulation.pace, null before any'),
  })
  .meta({ id: 'PaceResponse' });
