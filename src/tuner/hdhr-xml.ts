import type { DeviceDescription } from './tuner-device.js';
import type { LineupEntry } from './hdhr-lineup.js';
import { escapeXmlLine } from '../core/index.js';

/** The UPnP root device description (`/device.xml`) that SSDP's LOCATION points at. */
export function renderDeviceXml(device: DeviceDescription, baseUrl: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<root xmlns="urn:schemas-upnp-org:device-1-0">',
    '  <specVersion><major>1</major><minor>0</minor></specVersion>',
    `  <URLBase>${escapeXmlLine(baseUrl)}</URLBase>`,
    '  <device>',
    '    <deviceType>urn:schemas-upnp-org:device:MediaServer:1</deviceType>',
    `    <friendlyName>${escapeXmlLine(device.friendlyName)}</friendlyName>`,
    `    <manufacturer>${escapeXmlLine(device.manufacturer)}</manufacturer>`,
    `    <modelName>${escapeXmlLine(device.modelNumber)}</modelName>`,
    `    <modelNumber>${escapeXmlLine(device.modelNumber)}</modelNumber>`,
    `    <serialNumber>${device.deviceId}</serialNumber>`,
    `    <UDN>uuid:${escapeXmlLine(device.uuid)}</UDN>`,
    '  </device>',
    '</root>',
    '',
  ].join('\n');
}

/** `/lineup.xml`: the same entries as `/lineup.json`, in a real device's XML shape. */
export function renderLineupXml(entries: readonly LineupEntry[]): string {
  const programs = entries.map((e) =>
    [
      '  <Program>',
      `    <GuideNumber>${escapeXmlLine(e.GuideNumber)}</GuideNumber>`,
      `    <GuideName>${escapeXmlLine(e.GuideName)}</GuideName>`,
      `    <URL>${escapeXmlLine(e.URL)}</URL>`,
      ...(e.HD ? ['    <HD>1</HD>'] : []),
      '  </Program>',
    ].join('\n'),
  );
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<Lineup>', ...programs, '</Lineup>', ''].join('\n');
}
