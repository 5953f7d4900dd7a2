import { isDeepStrictEqual } from 'node:util';
import { sendOnce, type Scenario } from './scenarios.js';

const UNEQUAL_ON_CREATE = new Set(['id', 'created_at', 'updated_at']);

/**
 * Before measuring, each scenario's answer from the floor must be Plinth's: the same status and the
 * same JSON (for a create, the same fields and values but for the new id and timestamps).
 */
export async function checkSameAnswers(plinthBase: string, floorBase: string, scenarios: Scenario[]): Promise<void> {
  for (const s of scenarios) {
    const [a, b] = [await sendOnce(plinthBase, s, 0), await sendOnce(floorBase, s, 0)];
    const [pa, pb] = [JSON.parse(a.text) as Record<string, unknown>, JSON.parse(b.text) as Record<string, unknown>];
    const strip = (o: Record<string, unknown>) => (s.body ? Object.fromEntries(Object.entries(o).filter(([k]) => !UNEQUAL_ON_CREATE.has(k))) : o);
    const sameKeys = isDeepStrictEqual(Object.keys(pa), Object.keys(pb));
    if (a.status !== b.status || !sameKeys || !isDeepStrictEqual(strip(pa), strip(pb))) {
      throw new Error(
        `${s.name}: the floor answers differently from Plinth:\nplinth ${a.status} ${a.text.slice(0, 600)}\nfloor  ${b.status} ${b.text.slice(0, 600)}`,
      );
    }
    if (s.body && !/^cus_[0-9A-HJKMNP-TV-Z]{26}$/.test(String(pb.id))) throw new Error(`${s.name}: the floor made the id ${String(pb.id)}`);
  }
}
