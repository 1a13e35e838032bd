import { describe, expect, it } from 'vitest';
import {
  formatTimeShift,
  isGuideLocation,
  isRefreshTime,
  nameFromFile,
  progressValue,
  sourceFormErrors,
  timeShiftError,
  timeShiftMinutes,
  uploadContentType,
  type SourceForm,
} from './guide-sources';

const base: SourceForm = { kind: 'url', name: 'UK', url: 'https://epg.example/uk.xml', accountId: null, file: null };

describe('sourceFormErrors', () => {
  it('accepts a named URL source', () => {
    expect(sourceFormErrors(base)).toEqual({});
    expect(sourceFormErrors({ ...base, url: '/srv/guides/uk.xml' })).toEqual({});
  });
  it('asks for a name and a usable address', () => {
    expect(sourceFormErrors({ ...base, name: '  ' }).name).toBe('Give the source a name');
    expect(sourceFormErrors({ ...base, url: '' }).url).toBe('Enter the guide’s address');
    expect(sourceFormErrors({ ...base, url: 'ftp://x/y' }).url).toMatch(/http/);
    expect(sourceFormErrors({ ...base, url: 'guide.xml' }).url).toMatch(/absolute path/);
  });
  it('needs the account or the file for the other kinds', () => {
    expect(Object.keys(sourceFormErrors({ ...base, kind: 'account', url: '' }))).toEqual(['accountId']);
    expect(sourceFormErrors({ ...base, kind: 'account', accountId: '2' })).toEqual({});
    expect(sourceFormErrors({ ...base, kind: 'upload' }).file).toMatch(/XMLTV file/);
    expect(sourceFormErrors({ ...base, kind: 'upload', file: { name: 'a.xml', size: 0 } }).file).toBe(
      'The file is empty',
    );
    expect(sourceFormErrors({ ...base, kind: 'upload', file: { name: 'a.xml', size: 10 } })).toEqual({});
  });
});

describe('helpers', () => {
  it('recognises guide locations', () => {
    expect(isGuideLocation('http://a/b')).toBe(true);
    expect(isGuideLocation('file:///srv/a.xml')).toBe(true);
    expect(isGuideLocation('javascript:alert(1)')).toBe(false);
  });
  it('picks the upload content type', () => {
    expect(uploadContentType({ name: 'uk.xml.gz' })).toBe('application/gzip');
    expect(uploadContentType({ name: 'uk', type: 'application/x-gzip' })).toBe('application/gzip');
    expect(uploadContentType({ name: 'uk.xml', type: 'text/xml' })).toBe('application/xml');
  });
  it('names a source after its file', () => {
    expect(nameFromFile('epg-uk.xml.gz')).toBe('epg-uk');
    expect(nameFromFile('guide.XML')).toBe('guide');
  });
  it('checks the refresh time', () => {
    expect(isRefreshTime('03:30')).toBe(true);
    expect(isRefreshTime('3:05')).toBe(true);
    expect(isRefreshTime('24:00')).toBe(false);
    expect(isRefreshTime('12:60')).toBe(false);
    expect(isRefreshTime('noon')).toBe(false);
  });
  it('turns progress into a bar value', () => {
    expect(progressValue(undefined)).toBeNull();
    expect(progressValue({ percent: 42 })).toBe(42);
    expect(progressValue({ percent: 140 })).toBe(100);
    expect(progressValue({ done: 1, total: 4 })).toBe(25);
    expect(progressValue({ done: 1 })).toBeNull();
  });
  it('checks and reads the time shift in whole minutes within a day', () => {
    expect(timeShiftError('')).toBeUndefined();
    expect(timeShiftError('60')).toBeUndefined();
    expect(timeShiftError('-1440')).toBeUndefined();
    expect(timeShiftError('+30')).toBeUndefined();
    expect(timeShiftError('1441')).toBe('At most a day (1440 minutes) either way');
    expect(timeShiftError('1.5')).toBe('Whole minutes, e.g. 60 or -30');
    expect(timeShiftError('one hour')).toBe('Whole minutes, e.g. 60 or -30');
    expect(timeShiftMinutes('')).toBe(0);
    expect(timeShiftMinutes(' -90 ')).toBe(-90);
    expect(timeShiftMinutes('+30')).toBe(30);
    expect(formatTimeShift(60)).toBe('+60 min');
    expect(formatTimeShift(-30)).toBe('-30 min');
  });
});
