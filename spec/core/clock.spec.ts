import { expect } from 'chai';
import { formatShanghaiIso, formatShanghaiTimestamp } from '../../lib/core/clock';

describe('Shanghai clock formats', () => {
  const savedTz = process.env.TZ;
  afterEach(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  // 2024-05-13T09:49:20Z is 17:49:20 in Shanghai and 02:49:20 in Los Angeles (PDT).
  const instant = new Date(Date.UTC(2024, 4, 13, 9, 49, 20));

  it('formats the mainland timestamp in Shanghai time under TZ=America/Los_Angeles', () => {
    process.env.TZ = 'America/Los_Angeles';
    expect(instant.getHours()).to.equal(2); // the process really is in Los Angeles time
    expect(formatShanghaiTimestamp(instant)).to.equal('2024-05-13 17:49:20');
  });

  it('formats the Macao reqTime with the +08:00 offset under TZ=America/Los_Angeles', () => {
    process.env.TZ = 'America/Los_Angeles';
    expect(formatShanghaiIso(instant)).to.equal('2024-05-13T17:49:20+08:00');
  });

  it('rolls the date over at Shanghai midnight', () => {
    expect(formatShanghaiTimestamp(new Date(Date.UTC(2024, 11, 31, 16, 0, 0)))).to.equal('2025-01-01 00:00:00');
  });
});
