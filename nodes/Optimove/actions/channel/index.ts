import { defineResource } from '../types';
import { addTemplates } from './addTemplates.operation';
import { deleteTemplates } from './deleteTemplates.operation';
import { getChannels } from './getChannels.operation';
import { getTemplates } from './getTemplates.operation';
import { reportMetrics } from './reportMetrics.operation';

export const channel = defineResource('channel', [addTemplates, deleteTemplates, getChannels, getTemplates, reportMetrics], 'getTemplates');
