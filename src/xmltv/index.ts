export { GuideSources, type GuideSourcesDeps, type SourceInput, type RefreshResult } from './guide-sources.js';
export type { SourceView, ImportProgress } from './source-repository.js';
export { GuideReader, guideOutput, type GuideOutputSource, type GuideProgramme } from './guide-queries.js';
export { formatXmltvTime } from './xmltv-time.js';
export { parseXmltv, parseXmltvTime, GuideFormatError, type XmltvChannel, type XmltvProgramme } from './xmltv-bytes.js';
export { parseDailyTime, previousOccurrence, nextOccurrence, missedRefresh } from './refresh-schedule.js';
export { bareProgramme } from './xmltv-records.js';
