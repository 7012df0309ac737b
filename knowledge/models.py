# Best-practice records and the Bourse d'échanges live here (see the knowledge and exchange issues).
