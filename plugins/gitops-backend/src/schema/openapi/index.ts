//

export * from './generated';
