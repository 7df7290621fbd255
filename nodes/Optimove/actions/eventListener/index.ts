import { defineResource } from '../types';
import { getMany } from './getMany.operation';
import { register } from './register.operation';
import { unregister } from './unregister.operation';

export const eventListener = defineResource('eventListener', [getMany, register, unregister], 'getMany');
