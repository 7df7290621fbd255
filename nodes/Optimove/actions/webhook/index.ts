import { defineResource } from '../types';
import { create } from './create.operation';
import { deleteWebhook } from './delete.operation';
import { get } from './get.operation';
import { getMany } from './getMany.operation';

export const webhook = defineResource('webhook', [create, deleteWebhook, get, getMany], 'getMany');
