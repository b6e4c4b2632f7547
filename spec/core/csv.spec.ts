/** The backfill command's CSV: RFC 4180 quoting both ways, and how input lines are judged. */
import { expect } from 'chai';
import { formatCsvRow, parseCsvLine } from '../../lib/cli/csv';
import { readUserIds } from '../../lib/cli/openid-backfill';

describe('backfill CSV', () => {
  it('quotes fields with commas, quotes or line breaks, doubling quotes', () => {
    expect(formatCsvRow(['2088102000000001', 'a,b', 'say "hi"', 'x\ny'])).to.equal('2088102000000001,"a,b","say ""hi""","x\ny"');
  });

  it('reads quoted fields, doubled quotes and empty fields', () => {
    expect(parseCsvLine('"Zhang, San","2088102000000001",,"a ""b"""')).to.deep.equal(['Zhang, San', '2088102000000001', '', 'a "b"']);
  });

  it('reports an unclosed quote', () => {
    expect(parseCsvLine('"open,2088102000000001')).to.equal(undefined);
  });

  it('reads one id per line, reporting bad lines by number and dropping repeats', () => {
    const { ids, bad } = readUserIds('2088102000000001\n\nnot-an-id\n2088102000000002\r\n2088102000000001\n208810200000000x\n', undefined);
    expect(ids).to.deep.equal(['2088102000000001', '2088102000000002']);
    expect(bad.map((b) => b.split(':')[0])).to.deep.equal(['line 3', 'line 6']);
  });

  it('reads a CSV column named in the first line', () => {
    const { ids, bad } = readUserIds('name,alipay_user_id\n"Zhang, San",2088102000000001\n"broken,2088102000000002\nLi,\n', 'alipay_user_id');
    expect(ids).to.deep.equal(['2088102000000001']);
    expect(bad).to.deep.equal(['line 3: unclosed quote', 'line 4: no value in column alipay_user_id']);
  });
});
