import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { parseIvCsv, type IvData, type IvFileIssue } from '../src/fitting/iv-csv';

const parsed = (text: string): IvData => {
  const result = parseIvCsv(text, 'dev.csv');
  if (E.isLeft(result)) throw new Error(result.left.map((i) => `${i.where}: ${i.message}`).join('\n'));
  return result.right;
};
const problems = (text: string): IvFileIssue[] => {
  const result = parseIvCsv(text, 'dev.csv');
  if (E.isRight(result)) throw new Error('expected the file to be rejected');
  return result.left;
};
const brief = (issues: IvFileIssue[]) => issues.map((i) => [i.code, i.where]);

describe('parseIvCsv', () => {
  it('reads two columns after an optional header, skipping blank lines and # comments', () => {
    const data = parsed('# DFT-NEGF sweep\nV (volts), I (A)\n\n0, 0\n0.05,1.5e-4 # first step\n0.1;  2e-4\n0.15\t1.9E-4\r\n0.2 -1.5e-5\n');
    expect(Array.from(data.voltages)).toEqual([0, 0.05, 0.1, 0.15, 0.2]);
    expect(Array.from(data.currents)).toEqual([0, 1.5e-4, 2e-4, 1.9e-4, -1.5e-5]);
    expect(Array.from(data.lines)).toEqual([4, 5, 6, 7, 8]);
  });

  it('accepts a downward sweep and returns it in increasing voltage, with its lines', () => {
    const data = parsed('V,I\n1,3\n0.5,2\n-0.5,1\n');
    expect(Array.from(data.voltages)).toEqual([-0.5, 0.5, 1]);
    expect(Array.from(data.currents)).toEqual([1, 2, 3]);
    expect(Array.from(data.lines)).toEqual([4, 3, 2]);
  });

  it('reports every non-numeric row with file and line, and only the first line may be a header', () => {
    const issues = problems('V,I\n0,0\n0.1,abc\n0.2,1e-3\nvoltage,current\n0.3,NaN\n0.4,0x10\n0.5,Infinity\n0.6,\n');
    expect(brief(issues)).toEqual([
      ['csv-not-numeric', 'dev.csv:3'],
      ['csv-not-numeric', 'dev.csv:5'],
      ['csv-not-numeric', 'dev.csv:6'],
      ['csv-not-numeric', 'dev.csv:7'],
      ['csv-not-numeric', 'dev.csv:8'],
      ['csv-not-numeric', 'dev.csv:9'],
    ]);
    expect(issues[0]).toMatchObject({ file: 'dev.csv', line: 3, message: `column 2 is 'abc', not a finite number: "0.1,abc"` });
    expect(issues[1].message).toBe(`column 1 is 'voltage', not a finite number; column 2 is 'current', not a finite number: "voltage,current"`);
    expect(issues[5].message).toBe('column 2 is empty: "0.6,"');
  });

  it('reports rows with the wrong number of columns', () => {
    expect(brief(problems('0,0\n0.1,1,2\n0.2\n0.3,4\n'))).toEqual([
      ['csv-column-count', 'dev.csv:2'],
      ['csv-column-count', 'dev.csv:3'],
    ]);
  });

  it('reports each voltage that breaks the sweep direction, naming the earlier line', () => {
    const issues = problems('V,I\n0,0\n0.1,1\n0.1,2\n0.3,3\n0.2,4\n0.5,5\n');
    expect(brief(issues)).toEqual([
      ['csv-not-monotone', 'dev.csv:4'],
      ['csv-not-monotone', 'dev.csv:6'],
    ]);
    expect(issues[0].message).toBe("voltage 0.1 repeats line 3's: voltages must be strictly increasing (as the sweep starts)");
    expect(issues[1].message).toBe('voltage 0.2 after 0.3 on line 5: voltages must be strictly increasing (as the sweep starts)');
  });

  it('reports bad values and a broken sweep in one pass, in line order', () => {
    expect(brief(problems('0,0\n0.2,x\n0.1,1\n0.3,2\n'))).toEqual([
      ['csv-not-numeric', 'dev.csv:2'],
    ]);
    expect(brief(problems('0,0\n0.2,1\n0.1,1\n0.3,y\n'))).toEqual([
      ['csv-not-monotone', 'dev.csv:3'],
      ['csv-not-numeric', 'dev.csv:4'],
    ]);
  });

  it('needs at least two points', () => {
    for (const text of ['', 'V,I\n', '# nothing\n0.1,2\n']) {
      expect(problems(text)).toEqual([expect.objectContaining({ code: 'csv-too-few-points', where: 'dev.csv', file: 'dev.csv' })]);
    }
  });
});
