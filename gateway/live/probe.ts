import type { ClickHouseClient } from '@clickhouse/client';
import type { Admin } from 'kafkajs';
import { rows } from '../../lib/clickhouse/client.js';
import { activeRowsSql } from '../../lib/clickhouse/ddl.js';
import type { Config } from '../../lib/config.js';
import { messageOf } from '../../lib/errors.js';
import { groupLag } from '../../lib/kafka/client.js';
import type { Logger } from '../../lib/log.js';
import { SALES_TABLE } from '../../domain/sales/table.js';
import type { Component, StatusKey } from '../../domain/live/protocol.js';
import type { GatewayMetrics } from '../metrics.js';
import type { Readiness } from '../readiness.js';
import type { Follower } from '../state/follower.js';

export interface ProbeDeps {
  cfg: Readonly<Config>;
  admin: Admin;
  ch: ClickHouseClient;
  follower: () => Follower | null;
  readiness: Readiness;
  metrics: Pick<GatewayMetrics, 'consumerLag'>;
  log: Logger;
}

/**
 * What the live status reads off the hot path (LiveStatus refreshes it every
 * 2 s, never overlapping): topic end offsets and the rates between two reads,
 * the materializer group's lag and state, the gateway follower's lag, the
 * sales table's row count and the dependencies' health. A failed step is
 * logged; what the steps before it read is kept.
 */
export class DependencyProbe {
  ends: { at: number; byTopic: Record<string, number> } | null = null;
  rates: Partial<Record<StatusKey, number | null>> = {};
  matLag: number | null = null;
  rowCount: number | null = null;
  /** External dependencies' health from the last refresh (the gateway's own parts are read live). */
  dependencies: Component[] = [];
  private matState = 'unknown';

  constructor(private readonly deps: ProbeDeps) {}

  async refresh(): Promise<void> {
    try {
      await this.readTopicEnds();
      await this.readMaterializer();
      await this.readFollowerLag();
      await this.readRowCount();
      await this.readDependencies();
    } catch (err) {
      this.deps.log.warn(`status refresh failed: ${messageOf(err)}`);
    }
  }

  /** End offsets of the topics the dashboard charts, and each one's rate (events/s) since the previous read. */
  private async readTopicEnds(): Promise<void> {
    const { cfg, admin } = this.deps;
    const topics: [StatusKey, string][] = [
      ['sales', cfg.topics.sales],
      ['requests', cfg.topics.trainingRequests],
      ['trained', cfg.topics.modelTrained],
      ['promoted', cfg.topics.modelPromoted],
      ['dead', cfg.topics.deadLetter],
    ];
    const byTopic: Record<string, number> = {};
    await Promise.all(
      topics.map(async ([, topic]) => {
        const parts = await admin.fetchTopicOffsets(topic).catch(() => null);
        if (parts) byTopic[topic] = parts.reduce((a, p) => a + Number(p.high), 0);
      }),
    );
    const at = Date.now();
    if (this.ends) {
      const dt = Math.max(0.001, (at - this.ends.at) / 1000);
      for (const [key, topic] of topics) {
        const a = this.ends.byTopic[topic];
        const b = byTopic[topic];
        this.rates[key] = a === undefined || b === undefined ? null : Math.round(((b - a) / dt) * 10) / 10;
      }
    }
    this.ends = { at, byTopic };
  }

  private async readMaterializer(): Promise<void> {
    const { cfg, admin, metrics } = this.deps;
    const groupId = cfg.materializer.groupId;
    this.matLag = await groupLag(admin, groupId, cfg.topics.sales).catch(() => null);
    if (this.matLag !== null) metrics.consumerLag.set({ group: groupId, topic: cfg.topics.sales }, this.matLag);
    const groups = await admin.describeGroups([groupId]).catch(() => null);
    const g = groups?.groups[0];
    this.matState = g ? `${g.state}${g.members.length > 0 ? `, ${g.members.length} member(s)` : ''}` : 'unknown';
  }

  private async readFollowerLag(): Promise<void> {
    const f = this.deps.follower();
    if (!f) return;
    await f.refreshLag().catch(() => undefined);
    for (const [topic, lag] of Object.entries(f.lag())) this.deps.metrics.consumerLag.set({ group: 'gateway', topic }, lag);
  }

  /** Rows of active parts: no error before the materializer has created the table, and no scan. */
  private async readRowCount(): Promise<void> {
    const { cfg } = this.deps;
    this.rowCount = await rows<{ n: string | null; parts: string }>(this.deps.ch, activeRowsSql(cfg.clickhouse.database, SALES_TABLE, cfg.clickhouse.cluster))
      .then((r) => (Number(r[0]?.parts ?? 0) > 0 ? Number(r[0]?.n ?? 0) : null))
      .catch(() => null);
  }

  private async readDependencies(): Promise<void> {
    const groupId = this.deps.cfg.materializer.groupId;
    const c = (await this.deps.readiness.check()).checks;
    this.dependencies = [
      { name: 'kafka', ok: c.kafka?.ok ?? null, detail: c.kafka?.detail ?? '' },
      { name: 'schema registry', ok: c.registry?.ok ?? null, detail: c.registry?.detail ?? '' },
      { name: 'clickhouse', ok: c.clickhouse?.ok ?? null, detail: c.clickhouse?.detail ?? '' },
      { name: 'materializer', ok: this.matState.startsWith('Stable') ? true : this.matState === 'unknown' ? null : false, detail: `group ${groupId}: ${this.matState}${this.matLag !== null ? `, lag ${this.matLag}` : ''}` },
    ];
  }
}
