import { ExplainNode, SelectQueryNode, sql, type Kysely, type KyselyPlugin } from 'kysely';
import type { Database } from './schema';

/** One node of PostgreSQL's EXPLAIN (FORMAT JSON) tree, with the fields read here named. */
export interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Filter?: string;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
  [field: string]: unknown;
}

/**
 * The plan PostgreSQL makes for the first SELECT `run` sends, the very query a db/ function builds
 * (not a copy written beside it). That query is explained instead of run and answers no rows, so
 * whatever `run` does with its rows afterwards sees an empty result. With `analyze` it runs once
 * and the plan carries its actual rows and times.
 */
export async function planOf(
  db: Kysely<Database>, run: (db: Kysely<Database>) => Promise<unknown>, options: { analyze?: boolean } = {},
): Promise<PlanNode> {
  let explainedId: unknown = null;
  let plan: PlanNode | null = null;
  const explain: KyselyPlugin = {
    transformQuery({ node, queryId }) {
      if (explainedId !== null || !SelectQueryNode.is(node)) return node;
      explainedId = queryId;
      return { ...node, explain: ExplainNode.create('json', options.analyze ? sql`analyze`.toOperationNode() : undefined) };
    },
    async transformResult({ result, queryId }) {
      if (queryId !== explainedId || plan) return result;
      const [row] = result.rows as Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>;
      plan = row['QUERY PLAN'][0].Plan;
      return { ...result, rows: [] };
    },
  };
  await run(db.withPlugin(explain));
  if (!plan) throw new Error('no query was explained');
  return plan;
}

/** The plan's nodes that read a table or an index, outermost first. */
export function scansOf(plan: PlanNode): PlanNode[] {
  const own = /Scan/.test(plan['Node Type']) ? [plan] : [];
  return [...own, ...(plan.Plans ?? []).flatMap(scansOf)];
}
