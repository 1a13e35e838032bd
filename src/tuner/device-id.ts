import { randomInt } from 'node:crypto';

// libhdhomerun's check-digit table (hdhomerun_discover_validate_device_id). Clients that validate
// ids ignore a device whose id fails the check, and Plex keys the tuner by it.
const lookup = [0xa, 0x5, 0xf, 0x6, 0x7, 0xc, 0x1, 0xb, 0x9, 0x2, 0x8, 0xd, 0x4, 0x3, 0xe, 0x0];

function checksumOf(id: number): number {
  let checksum = 0;
  for (let position = 7; position >= 0; position--) {
    const digit = (id >>> (position * 4)) & 0xf;
    // Odd positions (7, 5, 3, 1; 7 is the most significant digit) go through the table.
    checksum ^= position % 2 === 1 ? lookup[digit]! : digit;
  }
  return checksum;
}

/** True when `id` (a uint32) passes the HDHomeRun DeviceID check-digit rule and is not 0 or the wildcard. */
export function isValidDeviceId(id: number): boolean {
  return Number.isInteger(id) && id > 0 && id < 0xffffffff && checksumOf(id) === 0;
}

/** The 8 upper-case hex digits of an id, as HDHomeRun clients print it. */
export function formatDeviceId(id: number): string {
  return (id >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** Parses 8 hex digits into a valid id, or undefined. */
export function parseDeviceId(text: string): number | undefined {
  if (!/^[0-9a-fA-F]{8}$/.test(text)) return undefined;
  const id = Number.parseInt(text, 16);
  return isValidDeviceId(id) ? id : undefined;
}

/** A random valid id: seven random digits, the last solved so the check digit holds. */
export function generateDeviceId(random: (max: number) => number = randomInt): number {
  for (;;) {
    // The last digit is at an even position, so it enters the checksum as itself: it must equal
    // the checksum of the other seven. Retry on the rare 0x00000000 / 0xFFFFFFFF results.
    const high = random(0x10000000) << 4;
    const id = (high | checksumOf(high)) >>> 0;
    if (isValidDeviceId(id)) return id;
  }
}
