// reports/: results documents into HTML, CSV and console tables.
export {};
