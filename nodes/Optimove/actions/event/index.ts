import { defineResource } from '../types';
import { sendCustomEvent } from './sendCustomEvent.operation';
import { sendOotbEvent } from './sendOotbEvent.operation';

export const event = defineResource('event', [sendCustomEvent, sendOotbEvent], 'sendOotbEvent');
