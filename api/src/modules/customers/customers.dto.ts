import type { Metadata } from '../../core/http/validation.js';
import type { Customer } from './customers.entity.js';

export interface CustomerDto {
  /** @example "cus_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  id: string;
  object: 'customer';
  /** @example "Jane Cooper" */
  name: string | null;
  /** @example "jane@acme.com" */
  email: string | null;
  /** @example "+1 415 555 0100" */
  phone: string | null;
  /** @example "Acme Inc." */
  company: string | null;
  metadata: Metadata;
  /** @example "2026-11-22T10:00:00.000Z" */
  created_at: string;
  /** @example "2026-11-22T10:00:00.000Z" */
  updated_at: string;
}

export interface CustomerCreate {
  /**
   * @minLength 1
   * @maxLength 200
   * @example "Jane Cooper"
   */
  name?: string;
  /**
   * @format email
   * @pattern ^[^\s@]+@[^\s@]+\.[^\s@]+$
   * @maxLength 320
   * @example "jane@acme.com"
   */
  email?: string;
  /**
   * @pattern ^\+?[0-9\s().\/-]{3,32}$
   * @maxLength 33
   * @example "+1 415 555 0100"
   */
  phone?: string;
  /**
   * @minLength 1
   * @maxLength 200
   * @example "Acme Inc."
   */
  company?: string;
  metadata?: Metadata;
}

/** Every field is optional; `null` clears a field; metadata keys set to "" are removed. */
export interface CustomerUpdate {
  /**
   * @minLength 1
   * @maxLength 200
   */
  name?: string | null;
  /**
   * @format email
   * @pattern ^[^\s@]+@[^\s@]+\.[^\s@]+$
   * @maxLength 320
   */
  email?: string | null;
  /**
   * @pattern ^\+?[0-9\s().\/-]{3,32}$
   * @maxLength 33
   * @example "+1 415 555 0199"
   */
  phone?: string | null;
  /**
   * @minLength 1
   * @maxLength 200
   */
  company?: string | null;
  metadata?: Metadata;
}

export function toCustomerDto(c: Customer): CustomerDto {
  return {
    id: c.id,
    object: 'customer',
    name: c.name,
    email: c.email,
    phone: c.phone,
    company: c.company,
    metadata: c.metadata,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}
