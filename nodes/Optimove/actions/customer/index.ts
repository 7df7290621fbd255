import { defineResource } from '../types';
import { getAttributes } from './getAttributes.operation';
import { updateAttributes } from './updateAttributes.operation';

export const customer = defineResource('customer', [getAttributes, updateAttributes], 'updateAttributes');
