"""The steps of `navigator import` (navigator.data.importer runs them): planning which table each
file fills, reading and checking the files, the revenue they bring, accounts, and the atomic swap.
No Textual here."""
