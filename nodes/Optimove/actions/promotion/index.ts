import { defineResource } from '../types';
import { reportRedemption } from './reportRedemption.operation';
import { validateCustomers } from './validateCustomers.operation';

export const promotion = defineResource('promotion', [reportRedemption, validateCustomers], 'validateCustomers');
