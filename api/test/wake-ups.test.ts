import { WakeUps } from '../src/core/db/writer';

/** The writer wakes the worker at most once per 25 ms, and never leaves a committed write without a wake-up. */
describe('the writer wake-ups', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('lets the first write of an interval carry the NOTIFY, and sends one after the others commit', async () => {
    const sent: number[] = [];
    const wakeUps = new WakeUps(async () => void sent.push(Date.now()));
    expect(wakeUps.lead()).toBe(true);
    // 10 more writes in the same interval: none carries it; each, once committed, is owed one.
    for (let i = 0; i < 10; i++) {
      expect(wakeUps.lead()).toBe(false);
      wakeUps.trail();
    }
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(25);
    expect(sent).toEqual([1_000_025]); // one NOTIFY for the ten, at most an interval after they committed
    jest.advanceTimersByTime(100);
    expect(sent).toHaveLength(1); // nothing owed, nothing sent
    expect(wakeUps.lead()).toBe(true);
  });

  it('sends the wake-up still owed at shutdown', async () => {
    const sent: number[] = [];
    const wakeUps = new WakeUps(async () => void sent.push(Date.now()));
    wakeUps.lead();
    wakeUps.lead();
    wakeUps.trail();
    await wakeUps.flush();
    expect(sent).toHaveLength(1);
    jest.advanceTimersByTime(100);
    expect(sent).toHaveLength(1);
  });
});
