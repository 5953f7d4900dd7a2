import { randomBytes } from 'node:crypto';

const FIRST = [
  'Ada', 'Grace', 'Katherine', 'Margaret', 'Radia', 'Barbara', 'Frances', 'Hedy', 'Annie', 'Mary',
  'Alan', 'Dennis', 'Ken', 'Linus', 'Tim', 'Vint', 'Donald', 'Edsger', 'John', 'Niklaus',
  'Sophie', 'Lena', 'Mateo', 'Amara', 'Yuki', 'Priya', 'Omar', 'Elena', 'Kwame', 'Ingrid',
  'Lucas', 'Chloe', 'Hiroshi', 'Fatima', 'Diego', 'Nadia', 'Erik', 'Aisha', 'Tomás', 'Mei',
]; // prettier-ignore
const LAST = [
  'Lovelace', 'Hopper', 'Johnson', 'Hamilton', 'Perlman', 'Liskov', 'Allen', 'Lamarr', 'Easley', 'Jackson',
  'Turing', 'Ritchie', 'Thompson', 'Torvalds', 'Berners-Lee', 'Cerf', 'Knuth', 'Dijkstra', 'McCarthy', 'Wirth',
  'Martin', 'Schmidt', 'García', 'Okafor', 'Tanaka', 'Sharma', 'Haddad', 'Rossi', 'Mensah', 'Larsen',
  'Dubois', 'Novak', 'Suzuki', 'Khan', 'Fernández', 'Petrov', 'Lindqvist', 'Bello', 'Silva', 'Chen',
]; // prettier-ignore
const COMPANIES = [
  'Analytical Engines Ltd', 'Compiler Works', 'Orbital Mechanics Inc.', 'Apollo Software', 'Spanning Tree GmbH',
  'Northwind Traders', 'Blue Harbor Logistics', 'Copperleaf Studio', 'Meridian Health', 'Fjord Analytics',
  'Sakura Robotics', 'Lagos Fintech', 'Atlas Freight', 'Verde Energía', 'Kestrel Security',
]; // prettier-ignore

export interface SampleCustomer {
  name: string;
  email: string;
  company: string;
  phone: string;
}

/** ASCII for the email's local part: `Tomás Fernández` → `tomas.fernandez`. */
const slug = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-');

/**
 * The i-th sample customer: the same for the same i on every run (seeding twice finds them by email),
 * and no two alike for i below 1,600. Emails are at example.com, phones in the fictional 555-01xx range.
 */
export function sampleCustomer(i: number): SampleCustomer {
  const first = FIRST[i % FIRST.length]!;
  const last = LAST[(i + Math.floor(i / FIRST.length)) % LAST.length]!;
  return {
    name: `${first} ${last}`,
    email: `${slug(first)}.${slug(last)}@example.com`,
    company: COMPANIES[i % COMPANIES.length]!,
    phone: `+1 555 01${String(i % 100).padStart(2, '0')}`,
  };
}

export const MAX_SAMPLE_CUSTOMERS = FIRST.length * LAST.length;

/** A fresh sample customer for `plinth trigger`, with a unique email. */
export function triggerCustomer(): SampleCustomer {
  const base = sampleCustomer(Math.floor(Math.random() * 100));
  return { ...base, email: base.email.replace('@', `+${randomSuffix()}@`) };
}

/** Lower-case letters and digits, for unique sample names. */
export function randomSuffix(length = 8): string {
  return randomBytes(length)
    .toString('base64')
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .padEnd(length, '0')
    .slice(0, length);
}
