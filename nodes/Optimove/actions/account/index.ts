import { defineResource } from '../types';
import { getLastDataUpdate } from './getLastDataUpdate.operation';

export const account = defineResource('account', [getLastDataUpdate], 'getLastDataUpdate');
